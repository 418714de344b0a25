[ "tab\there" "nl\nhere" "cr\rhere" "quote\"q" "backslash\\b" "dollar\${x}" "unknown\qescape" "\$" "$" "$$" "a$b" ]
