"""app/clinic"""
