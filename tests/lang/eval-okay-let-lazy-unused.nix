let unused = throw "never forced"; x = 5; in x
