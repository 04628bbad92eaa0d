# not-capture: a text file is not a capture: exit 2, one line on stderr,
# nothing decoded, no run stored.
# input: script
# exit: 2
# stderr: ^mailtrace: .*: not a capture file: 
