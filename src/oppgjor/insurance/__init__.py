"""The insurer channel (issue 15): insurers, SakID cases, EHF invoices and the insurer's answer.
Its domain is pure; its adapters hold the EHF formats and their validation."""
