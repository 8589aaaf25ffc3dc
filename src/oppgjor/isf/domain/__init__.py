"""isf/domain"""
