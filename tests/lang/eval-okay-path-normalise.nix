[ (baseNameOf ./a/../b) (baseNameOf ./a/./c) (./a/.. == ./.) (./a/b/.. == ./a) ]
