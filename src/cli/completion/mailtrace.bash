# SPDX-License-Identifier: BSD-2-Clause
# bash completion for mailtrace.  The commands and each command's options
# are read from mailtrace's own --help when TAB is pressed, so they are
# always those of the mailtrace on PATH (nothing here to keep in step).
# Installed as share/bash-completion/completions/mailtrace; or source it.

# The commands, from the "commands:" part of `mailtrace --help`.
_mailtrace_commands()
{
	"$1" --help 2>/dev/null | awk '
	    /^commands:/ { f = 1; next }
	    f && /^$/ { exit }
	    f && /^  [a-z]/ {
		print $1
		for (i = 2; i < NF; i++)
			if ($i == "|" && $(i + 1) ~ /^[a-z]+$/)
				print $(i + 1)
	    }'
}

# The long options a command's --help names in its table of options (the
# lines that begin with an option), else in its usage lines (serve's).
_mailtrace_options()
{
	"$1" "$2" --help 2>/dev/null | awk '
	    /^usage:/ { u = 1 }
	    u && /^$/ { u = 0 }
	    u { usage = usage " " $0 }
	    /^ +(-[a-zA-Z], )?--[a-z]/ { opts = opts " " $0 }
	    END { print (opts != "" ? opts : usage) }' |
	    grep -oE -- '(^|[][ ,|])--[a-z][a-z0-9-]*' |
	    sed 's/^[][ ,|]*//' | sort -u
}

_mailtrace()
{
	local cur prev cmd mt=${COMP_WORDS[0]}
	cur=${COMP_WORDS[COMP_CWORD]}
	prev=${COMP_WORDS[COMP_CWORD - 1]}
	COMPREPLY=()
	if [ "$COMP_CWORD" -eq 1 ]; then
		if [[ $cur == -* ]]; then
			mapfile -t COMPREPLY < <(compgen -W "--help --version" -- "$cur")
		else
			mapfile -t COMPREPLY < <(compgen -W "$(_mailtrace_commands "$mt")" -- "$cur")
		fi
		return 0
	fi
	cmd=${COMP_WORDS[1]}
	case $prev in
	--level)
		mapfile -t COMPREPLY < <(compgen -W "standard advanced" -- "$cur")
		return 0 ;;
	--format)
		mapfile -t COMPREPLY < <(compgen -W "text prf jsonl" -- "$cur")
		return 0 ;;
	--auth | --smtp-auth | --pop3-auth)
		mapfile -t COMPREPLY < <(compgen -W "user apop plain login cram-md5" -- "$cur")
		return 0 ;;
	--tls-max)
		mapfile -t COMPREPLY < <(compgen -W "1.2 1.3" -- "$cur")
		return 0 ;;
	--password-file | --smtp-password-file | --cafile | --db | --data | \
	--keylog | --script | --cert | --key | --config | --prom-file | -o)
		mapfile -t COMPREPLY < <(compgen -f -- "$cur")
		return 0 ;;
	esac
	if [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$(_mailtrace_options "$mt" "$cmd")" -- "$cur")
		return 0
	fi
	mapfile -t COMPREPLY < <(compgen -f -- "$cur")
	return 0
}
complete -o filenames -F _mailtrace mailtrace
