# error: evaluation aborted with the following error message: 'stop here'
abort "stop here"
