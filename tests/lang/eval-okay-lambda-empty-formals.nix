let f = {}: "empty"; in f {}
