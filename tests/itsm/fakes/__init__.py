"""Local HTTP servers that follow each vendor's documented ticket API closely enough for
the back-ends' tests, with the failure modes real ITSMs show (see `FakeItsm.fail_next`)."""
