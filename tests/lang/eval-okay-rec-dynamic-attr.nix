let n = "foo"; in rec { ${n} = 1; bar = 2; "q${n}" = bar; }
