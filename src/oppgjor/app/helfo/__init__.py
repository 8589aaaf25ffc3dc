"""app/helfo"""
