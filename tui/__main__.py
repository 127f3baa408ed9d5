from frontdesk.launch import entry

entry()
