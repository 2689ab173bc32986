#!/usr/bin/env bash
# Expectations over sync (ExpectationSync): a real FTP helper (nft ct
# helper "ftp" in the firewall) sees a PORT and a PASV on control
# connections made through it; the expectations appear in the receiver's
# external expectation cache (-e expect) as in the sender's internal one,
# -c ct then -c expect (and a single -c) put masters and expectations into
# the receiver's kernel, and the data connection of the PASV (a related flow) shows the
# expectation's removal and the related flow on the receiver.  The
# ExpectationSync { ftp } form must give the same.  ref->ref is the
# baseline of the other runs (see sync_lib.sh).
. "$(dirname "$0")/../lib.sh"
. "$(dirname "$0")/sync_lib.sh"

sync_init
sync_ftp_tool

# exp_run on|list KS KR DIR: one run with ExpectationSync on or { ftp }.
exp_run() {
	local opt=$1 ks=$2 kr=$3 dir=$4 s r v=
	[ "$opt" = list ] && v=list
	sync_run_begin expect expect "$ks" "$kr" "$dir" $v
	s=$SYNC_S r=$SYNC_R
	if [ "$opt" = on ]; then SYNC_OPTS="ExpectationSync on"; else SYNC_OPTS="ExpectationSync { ftp }"; fi
	SYNC_OPTS=$SYNC_OPTS sync_pair_up ftfw udp "$ks" "$kr" "$s" "$r" || return 1
	sync_ftp "$s" || { sync_stop A; sync_stop B; return 1; }

	sync_step int-exp "the sender's internal cache has both expectations" \
		echo 2 -- eval "sync_int $s expect | grep -c 'helper=ftp'"
	sync_step ext-exp "-e expect on the receiver shows the sender's expectations" \
		sync_model_exp "$s" -- sync_ext "$r" expect
	sync_step ext-ct "-e ct on the receiver shows the masters" \
		sync_model_ext "$s" -- sync_ext "$r"
	if [ "$opt" = on ]; then
		sync_ctl "$r" -c ct >/dev/null 2>&1
		sync_step commit-ct "-c ct puts the masters in the receiver's kernel" \
			sync_model_kernel "$s" -- sync_kernel "$r"
		sync_ctl "$r" -c expect >/dev/null 2>&1
		sync_step commit-exp "-c expect puts the expectations in the receiver's kernel" \
			sync_kernel_exp "$s" -- sync_kernel_exp "$r"
	else
		# one -c: 1.4.7 commits the expectations after the masters
		# even when the commit ends in one step
		sync_ctl "$r" -c >/dev/null 2>&1
		sync_step commit-ct "-c puts the masters in the receiver's kernel" \
			sync_model_kernel "$s" -- sync_kernel "$r"
		sync_step commit-exp "-c puts the expectations in the receiver's kernel too" \
			sync_kernel_exp "$s" -- sync_kernel_exp "$r"
	fi
	sync_ftp_data
	sync_step used-exp "a used expectation leaves the receiver's external cache" \
		sync_model_exp "$s" -- sync_ext "$r" expect
	sync_step related "the related data flow reaches the receiver" \
		sync_model_ext "$s" -- sync_ext "$r"
	sync_ftp_close
	sync_stop A; sync_stop B
}

exp_run on ref ref a2b
exp_run list ref ref a2b
sync_each_run expect exp_run on
t_done
