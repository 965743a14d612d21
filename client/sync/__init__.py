"""client/sync"""
