from insidetrack.cli import main

main()
