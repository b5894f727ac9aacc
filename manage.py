#!/usr/bin/env python
"""Django's manage.py; the installed `motcua` command does the same."""

from motcua.__main__ import main

if __name__ == "__main__":
    main()
