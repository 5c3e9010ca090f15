"""The tutorial's own code, copied verbatim from regularization-tutorial.txt, for exactness tests.

Adapted only where it must be: no plotting, no tqdm, no downloads, no airtable; `print`s
are dropped; the exercise blanks of `early_stopping_main` are filled with the tutorial's
own calls (train, then test on the train and val loaders); the toy loop is a function that
takes its step count. Everything else (layer sizes, loss, optimizer construction, the order
of seeding, norm and step) is the tutorial's text. Do not "improve" this file: its job is
to be the reference.
"""
# ruff: noqa: UP008, B007, E501, RUF059

import copy
import random

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

SEED = 2021


def set_seed(seed=None, seed_torch=True):
  if seed is None:
    seed = np.random.choice(2 ** 32)
  random.seed(seed)
  np.random.seed(seed)
  if seed_torch:
    torch.manual_seed(seed)
    torch.cuda.manual_seed_all(seed)
    torch.cuda.manual_seed(seed)
    torch.backends.cudnn.benchmark = False
    torch.backends.cudnn.deterministic = True


def seed_worker(worker_id):
  worker_seed = torch.initial_seed() % 2**32
  np.random.seed(worker_seed)
  random.seed(worker_seed)


class AnimalNet(nn.Module):
  def __init__(self):
    super(AnimalNet, self).__init__()
    self.fc1 = nn.Linear(3 * 32 * 32, 128)
    self.fc2 = nn.Linear(128, 32)
    self.fc3 = nn.Linear(32, 3)

  def forward(self, x):
    x = x.view(x.shape[0],-1)
    x = F.relu(self.fc1(x))
    x = F.relu(self.fc2(x))
    x = self.fc3(x)
    output = F.log_softmax(x, dim=1)
    return output


class BigAnimalNet(nn.Module):
  def __init__(self):
    super(BigAnimalNet, self).__init__()
    self.fc1 = nn.Linear(3*32*32, 124)
    self.fc2 = nn.Linear(124, 64)
    self.fc3 = nn.Linear(64, 3)

  def forward(self, x):
    x = x.view(x.shape[0], -1)
    x = F.leaky_relu(self.fc1(x))
    x = F.leaky_relu(self.fc2(x))
    x = self.fc3(x)
    output = F.log_softmax(x, dim=1)
    return output


class Net(nn.Module):
  def __init__(self):
    super(Net, self).__init__()

    self.fc1 = nn.Linear(1, 300)
    self.fc2 = nn.Linear(300, 500)
    self.fc3 = nn.Linear(500, 1)

  def forward(self, x):
    x = F.leaky_relu(self.fc1(x))
    x = F.leaky_relu(self.fc2(x))
    output = self.fc3(x)
    return output


def calculate_frobenius_norm(model):
  norm, ws, labels = 0.0, [], []
  for name, parameters in model.named_parameters():
    p = torch.sum(parameters**2)
    norm += p
    ws.append((p**0.5).cpu().detach().numpy())
    labels.append(name)
  norm = (norm**0.5).cpu().detach().numpy()
  return norm, ws, labels


def train(args, model, train_loader, optimizer,
          reg_function1=None, reg_function2=None, criterion=F.nll_loss):
  device = args['device']
  model.train()
  for batch_idx, (data, target) in enumerate(train_loader):
    data, target = data.to(device), target.to(device)
    optimizer.zero_grad()
    output = model(data)
    if reg_function1 is None:
      loss = criterion(output, target)
    elif reg_function2 is None:
      loss = criterion(output, target)+args['lambda']*reg_function1(model)
    else:
      loss = criterion(output, target) + args['lambda1']*reg_function1(model) + args['lambda2']*reg_function2(model)
    loss.backward()
    optimizer.step()

  return model


def test(model, test_loader, criterion=F.nll_loss, device='cpu'):
  model.eval()
  test_loss = 0
  correct = 0
  with torch.no_grad():
    for data, target in test_loader:
      data, target = data.to(device), target.to(device)
      output = model(data)
      test_loss += criterion(output, target, reduction='sum').item()  # Sum up batch loss
      pred = output.argmax(dim=1, keepdim=True)  # Get the index of the max log-probability
      correct += pred.eq(target.view_as(pred)).sum().item()

  test_loss /= len(test_loader.dataset)
  return 100. * correct / len(test_loader.dataset)


def main(args, model, train_loader, val_loader,
         reg_function1=None, reg_function2=None):
  device = args['device']

  model = model.to(device)
  optimizer = optim.SGD(model.parameters(), lr=args['lr'],
                        momentum=args['momentum'])

  val_acc_list, train_acc_list,param_norm_list = [], [], []
  for epoch in range(args['epochs']):
    trained_model = train(args, model, train_loader, optimizer,
                          reg_function1=reg_function1,
                          reg_function2=reg_function2)
    train_acc = test(trained_model, train_loader, device=device)
    val_acc = test(trained_model, val_loader, device=device)
    param_norm = calculate_frobenius_norm(trained_model)
    train_acc_list.append(train_acc)
    val_acc_list.append(val_acc)
    param_norm_list.append(param_norm)

  return val_acc_list, train_acc_list, param_norm_list, trained_model


def early_stopping_main(args, model, train_loader, val_loader):
  device = args['device']
  model = model.to(device)
  optimizer = optim.SGD(model.parameters(),
                        lr=args['lr'],
                        momentum=args['momentum'])

  best_acc = 0.0
  best_epoch = 0

  # Number of successive epochs that you want to wait before stopping training process
  patience = 20

  # Keeps track of number of epochs during which the val_acc was less than best_acc
  wait = 0

  val_acc_list, train_acc_list = [], []
  for epoch in range(args['epochs']):

    # Train the model
    trained_model = train(args, model, train_loader, optimizer)

    # Calculate training accuracy
    train_acc = test(trained_model, train_loader, device=device)

    # Calculate validation accuracy
    val_acc = test(trained_model, val_loader, device=device)

    if (val_acc > best_acc):
      best_acc = val_acc
      best_epoch = epoch
      best_model = copy.deepcopy(trained_model)
      wait = 0
    else:
      wait += 1

    if (wait > patience):
      # The tutorial prints f'Early stopped on epoch: {epoch}' here (0-based).
      break

    train_acc_list.append(train_acc)
    val_acc_list.append(val_acc)

  return val_acc_list, train_acc_list, best_model, best_epoch


def toy_data():
  """The tutorial's toy set: cell "Creating train data" (after set_seed(SEED))."""
  set_seed(seed=SEED)
  X = torch.rand((10, 1))
  Y = 2*X + 2*torch.empty((X.shape[0], 1)).normal_(mean=0, std=1)  # Adding small error in the data
  X_test = torch.linspace(0, 1, 40)
  X_test = X_test.reshape((40, 1, 1))
  return X, Y, X_test


def toy_overfitting(max_epochs=10000):
  """The tutorial's Section 2.1 cells: build Net and Adam, then its training loop.

  Returns (train_loss, test_loss, model_norm, running_predictions, model) as the tutorial
  leaves them; losses as Python floats.
  """
  X, Y, X_test = toy_data()
  set_seed(seed=SEED)

  # Train the network on toy dataset
  model = Net()

  criterion = nn.MSELoss()
  optimizer = optim.Adam(model.parameters(), lr=1e-4)

  iters = 0
  set_seed(seed=SEED)

  train_loss = []
  test_loss = []
  model_norm = []
  norm_per_layer = []

  running_predictions = np.empty((40, int(max_epochs / 500 + 1)))

  for epoch in range(max_epochs):
    # Frobenius norm per epoch
    norm, pl, layer_names = calculate_frobenius_norm(model)

    # Training
    model_norm.append(norm)
    norm_per_layer.append(pl)
    model.train()
    optimizer.zero_grad()
    predictions = model(X)
    loss = criterion(predictions, Y)
    loss.backward()
    optimizer.step()

    train_loss.append(loss.data)
    model.eval()
    Y_test = model(X_test)
    loss = criterion(Y_test, 2*X_test)
    test_loss.append(loss.data)

    if (epoch % 500 == 0 or epoch == max_epochs - 1):
      running_predictions[:, iters] = Y_test[:, 0, 0].detach().numpy()
      iters += 1
  return ([float(v) for v in train_loss], [float(v) for v in test_loss],
          [float(v) for v in model_norm], running_predictions, model)
