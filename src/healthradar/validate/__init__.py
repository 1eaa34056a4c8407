"""The validate stage: raw input rows typed and judged against their contract.

`contract_checks` derives the checks from a contract; `partners` and `headcounts` add the few
rules a contract cannot declare; `identifiers` and `numbers` are the column expressions (SIREN
and SIRET checksums, tolerant number parsing) every backend runs the same way.
"""
