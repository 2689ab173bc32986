#!/usr/bin/env bash
# nfct invocation: usage, both word orders, prefix matching, unknown
# commands/subsystems, version text, per-subsystem missing commands.
. "$(dirname "$0")/nfct_lib.sh"

nfct_pair
dual "no arguments" 
dual "-h prints usage" -h
dual "-v prints usage" -v
dual "one word" version
dual "one word list" list
dual "unknown word pair" x y
dual "command with unknown subsystem" list foo
dual "list list" list list
dual "subsystem with unknown command" timeout foo
dual "helper with unknown command" helper foo
dual "version with unknown command" version x
dual "v x" v x
dual "version text (list version)" list version
dual "version text (version list)" version list
dual "version text (l v extra)" l v extra
dual "version add" version add
dual "help word is helper" help list
dual "h l is helper list" h l
dual "timeout disable: missing command" timeout disable
dual "dis t: missing command" dis t
dual "helper default-set: unknown command" helper default-set
dual "default-get helper: unknown command" default-get helper a b c
dual "help default-set" help default-set
dual "empty command word is list" "" t
dual "l t" l t
dual "t l" t l
dual "d t: delete without a name" d t
dual "de t" de t
dual "def t: default-set" def t
dual "g t" g t
dual "f t" f t
dual "li t x: too many arguments" li t x
dual "helper dis: disable" helper dis
t_done
