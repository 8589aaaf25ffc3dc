"""isf/adapters"""
