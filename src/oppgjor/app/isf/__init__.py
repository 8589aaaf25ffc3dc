"""app/isf"""
