"""cli/helfo"""
