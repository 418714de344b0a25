import ./lib
