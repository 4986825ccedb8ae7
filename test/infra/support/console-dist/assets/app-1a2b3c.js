// A stand-in for a hashed bundle of the admin console: the infra tests deploy this directory.
document.getElementById('root').textContent = 'Admin console';
