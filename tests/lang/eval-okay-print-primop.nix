[ builtins.add builtins.map builtins.toString ]
