"""The insurer channel's adapters: EHF (UBL) documents and their validation by the official
rules."""
