"""Incremental sync on cursors: every change since the last run, once, with deletes and partitions.

Modules: :mod:`.cursor` (the opaque state string), :mod:`.window` (reading one closed window of
changes), :mod:`.changes` (the resource walk and the list tools' cursor answer),
:mod:`.partitions` (``plan-partitions``), :mod:`.marks` (telling the sync's own writes apart),
:mod:`.command` (``woo-connector sync``). Importing the package loads none of them: the CLI
imports :mod:`.command` at start-up and must stay quick.
"""

