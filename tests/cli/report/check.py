#!/usr/bin/env python3
"""check.py -- reads a flamekit report page for t1000: its data blocks must
parse (the JSON of fk-data, each graph a JSON string holding a well-formed
SVG document), and prints what the test compares.
  check.py PAGE names          the function names of the page's data, one a line (repr)
  check.py PAGE svg ID         the SVG of data block ID, as the page carries it
  check.py PAGE blocks         the ids of the <script> blocks, in order
  check.py PAGE field KEY      a top-level field of fk-data, as JSON
"""
import json
import re
import sys
import xml.dom.minidom

page = open(sys.argv[1], encoding="utf-8").read()
blocks = re.findall(r'<script(?: type="application/json" id="([^"]+)")?>(.*?)</script>', page, re.S)
data = {i: json.loads(t) for i, t in blocks if i}
for i, t in data.items():
    if i.startswith("svg-") and i != "svg-script":
        xml.dom.minidom.parseString(t.encode("utf-8"))  # raises when not well-formed
what = sys.argv[2]
if what == "names":
    for n in data["fk-data"]["names"]:
        print(repr(n))
elif what == "svg":
    sys.stdout.write(data[sys.argv[3]])
elif what == "blocks":
    for i, _ in blocks:
        print(i or "(script)")
elif what == "field":
    print(json.dumps(data["fk-data"][sys.argv[3]]))
