"""What regtui asks of the process, the OS and the machine: errors and exit codes, atomic files,
folder names, signals, CPU threads, torch devices, seeding and lazy package faces.

The bottom layer: it imports no other regtui package.
"""
