"""client/ui"""
