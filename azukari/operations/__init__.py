"""What a ward's IT runs the line with: metrics, machine-readable logs, backups and the database check."""
