# Tabs are not stripped as indentation.
"${''
	tab
  space
''}"
