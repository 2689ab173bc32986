#!/usr/bin/env python3
"""ctl_poll.py SOCKET CODE INTERVAL_MS STOPFILE [REGEX]
ctl_poll.py SOCKET CODE once


Ask a conntrackd (ours or 1.4.7: same control protocol) the request CODE
(21 is -s) over its UNIX socket every INTERVAL_MS until STOPFILE exists,
and print one line per answer: the time it was asked (seconds since the
epoch, as `date +%s.%N`),
how long the whole answer took (connect to end-of-file, ms), and the first
group of every match of REGEX in it, comma-separated (default: the numbers
of "current active connections" and "connections new", i.e. the caches
and the internal bypass of -s).  A request that cannot connect is printed
with latency -1.  The latency of an answer is what a `conntrackd -s` would
wait, without the client's own start-up."""
import os
import re
import socket
import struct
import sys
import time


def ask(path, code):
    """The answer to one request (b'' when none could be had)."""
    data = b''
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        s.connect(path)
        s.sendall(struct.pack('=i', code))
        while True:
            b = s.recv(65536)
            if not b:
                break
            data += b
    finally:
        s.close()
    return data


path, code = sys.argv[1], int(sys.argv[2])
if sys.argv[3] == 'once':
    t = time.time()
    ask(path, code)
    print('%.4f %.4f' % (t, time.time()))
    sys.exit(0)
interval, stop = float(sys.argv[3]) / 1000, sys.argv[4]
rx = re.compile(sys.argv[5] if len(sys.argv) > 5 else
                r'(?:current active connections|connections new):\s+(\d+)')
out = sys.stdout
while not os.path.exists(stop):
    t = time.monotonic()
    asked = time.time()
    data = b''
    try:
        data = ask(path, code)
        lat = (time.monotonic() - t) * 1000
    except OSError:
        lat = -1.0
    vals = rx.findall(data.decode('utf-8', 'replace'))
    out.write('%.4f %.2f %s\n' % (asked, lat, ','.join(vals) or '-'))
    out.flush()
    left = interval - (time.monotonic() - t)
    if left > 0:
        time.sleep(left)
