# error: cannot compare a set with a set
{ } < { }
