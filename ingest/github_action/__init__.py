"""The GitHub Action's scripts (``action.yml`` at the repository root runs them with ``python -m
ingest.github_action STEP``).

Each step is a plain function of environment variables, so it runs the same on a runner and in a
test: ``environment`` reads only the variables a step declares, ``runner_files`` writes what a
runner reads back (outputs, the job summary, workflow commands), ``inputs`` turns the action's
inputs into typed values, ``cli`` runs the ``ingest`` command as a process, ``summaries`` renders
its JSON and SARIF as Markdown, ``comment`` keeps one pull-request comment per config, and
``steps`` holds the three steps (``prepare``, ``review``, ``sync``).
"""
