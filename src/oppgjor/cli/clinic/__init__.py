"""cli/clinic"""
