"""What the tests share: where their files are (``paths``), hand-made values for the renderer
(``render_fixtures``) and independent validators of what it writes (``render_checks``), hostile
dumps and the check of a whole output folder (``hostile``), a parse that keeps the lines its
values were made from (``ledger``), a served folder (``serving``) and Debian's nginx over one
(``webserver``)."""
