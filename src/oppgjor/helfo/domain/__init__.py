"""helfo/domain"""
