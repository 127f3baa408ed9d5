from tui.launch import entry

entry()
