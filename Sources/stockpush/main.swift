print("stockpush")
