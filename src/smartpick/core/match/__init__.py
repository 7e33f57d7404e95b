"""The Match: deferred acceptance, couples, supplemental PGY-1 lists, the simulated market and
its fit by simulated moments."""
