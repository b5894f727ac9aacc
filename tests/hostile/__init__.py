"""Hostile-input suite: every form, e-form, import, search and filter fed with scripts, SQL and
JSON tricks, broken dates, path tricks, confusable digits and oversized or mislabelled files.
The invariant everywhere: no server error, no unescaped markup, a Vietnamese message where the
input is refused (NĐ 13/2023/NĐ-CP art. 26–27; OWASP ASVS V5 input validation)."""
