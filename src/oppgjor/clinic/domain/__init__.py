"""clinic/domain"""
