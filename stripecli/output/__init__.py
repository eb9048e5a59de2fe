"""The output layer: the only code that knows whether a terminal is attached.

`env.Environment` holds the streams and their TTY facts; `render` turns objects, list pages,
streamed pages and errors into table, json, jsonl, csv or id output. Importing this package is
cheap: rich and csv are imported only when a table, colour or CSV is actually rendered.
"""
