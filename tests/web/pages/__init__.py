"""Tests of the pages, one module per page module of src/jixiao/web/pages (roughly)."""
