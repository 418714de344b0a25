# line comment
/* block
   comment */ 1 /* trailing */ # end
