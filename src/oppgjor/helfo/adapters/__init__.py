"""helfo/adapters"""
