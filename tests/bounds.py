"""How long a test lets hostile input run before calling it stalled.

The tests that use it prove that input which once took minutes (each opener scanning to the
end of the text, aliases expanded, includes multiplied) now finishes. Read linearly it takes
well under a second alone and a few seconds on a loaded, shared 2-core machine: a bound 20x
above that does not fail from noise, and still fails when the minutes come back. Speed itself
is measured in ``benchmarks/``, not here.
"""

STALLED_AFTER_SECONDS = 60.0
