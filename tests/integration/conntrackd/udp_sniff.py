#!/usr/bin/env python3
"""udp_sniff.py IFACE PORT READYFILE STOPFILE

Print one line per IPv4 UDP datagram to PORT seen on IFACE (an AF_PACKET
socket, so the daemon keeps its port): the time it was seen (seconds
since the epoch, as `date +%s.%N`) and its UDP payload's length.  READYFILE
is created once the socket listens; it stops when STOPFILE exists."""
import os
import socket
import struct
import sys
import time


def main():
    iface, port, ready, stop = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0800))
    s.bind((iface, 0))
    s.settimeout(0.1)
    open(ready, 'w').close()
    out = sys.stdout
    while not os.path.exists(stop):
        try:
            pkt, addr = s.recvfrom(65536)
        except socket.timeout:
            continue
        now = time.time()
        if addr[2] == socket.PACKET_OUTGOING:
            continue
        ip = pkt[14:]   # a veth: an Ethernet header first
        if len(ip) < 28 or ip[0] >> 4 != 4 or ip[9] != 17:
            continue
        ihl = (ip[0] & 15) * 4
        dport, ulen = struct.unpack('!2xH H', ip[ihl:ihl + 6])
        if dport != port:
            continue
        out.write('%.6f %d\n' % (now, ulen - 8))
        out.flush()


main()
