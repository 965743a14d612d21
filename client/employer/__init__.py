"""client/employer"""
