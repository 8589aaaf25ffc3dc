"""clinic/adapters"""
