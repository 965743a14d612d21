"""client/storage"""
