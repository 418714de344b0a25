with builtins; [ (hashFile "sha256" ./lib/data.txt) (hashFile "md5" ./lib/data.txt) (hashFile "sha1" ./lib/data.txt) ]
