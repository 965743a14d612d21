"""client/collector"""
